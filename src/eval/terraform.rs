//! Terraform evaluation: modules, module instances and name resolution.
//!
//! All `.tf` files of one directory form a [`TfModule`]. A linted root module is
//! instantiated with its tfvars; each local module call creates a child instance whose
//! variables are the caller's arguments, evaluated in the caller's instance. Every
//! resource of every instance is a [`UnitResource`] with its full address
//! (`module.cosmos.azurerm_cosmosdb_account.this`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::exist::{Gate, GateKind, NotDeployed};
use super::value::{Kind, PStr, ResKey, Symbol, Value, Via};
use super::{Env, Evaluator, Scope, Seg, UnitResource};
use crate::ir::{Dialect, Expr, Resource};
use crate::parse::terraform::{ModuleCall, TfFile, Variable};
use crate::source::Span;

pub use super::MAX_MODULE_DEPTH;

/// The declarations of one module directory.
#[derive(Debug, Default)]
pub struct TfModule {
    pub dir: PathBuf,
    pub resources: Vec<Arc<Resource>>,
    pub variables: HashMap<String, Variable>,
    pub locals: HashMap<String, Expr>,
    pub outputs: HashMap<String, Expr>,
    pub modules: Vec<ModuleCall>,
}

impl TfModule {
    pub fn new(dir: PathBuf, files: impl IntoIterator<Item = TfFile>) -> TfModule {
        let mut m = TfModule {
            dir,
            ..TfModule::default()
        };
        for f in files {
            m.resources.extend(f.resources.into_iter().map(Arc::new));
            for v in f.variables {
                m.variables.insert(v.name.clone(), v);
            }
            for l in f.locals {
                m.locals.insert(l.name, l.value);
            }
            for o in f.outputs {
                m.outputs.insert(o.name, o.value);
            }
            m.modules.extend(f.modules);
        }
        m
    }
}

/// Finds and loads module directories for module calls.
pub trait ModuleLoader {
    /// The directory a module call in `module_dir` refers to, if it is local (or mapped by
    /// `.terraform/modules/modules.json`) and may be followed; otherwise why not.
    fn resolve(&self, module_dir: &Path, key: &str, source: &str) -> Result<PathBuf, String>;
    fn load(&self, dir: &Path) -> Option<Arc<TfModule>>;
}

/// A value assigned to a root variable from a tfvars file or `--var`.
#[derive(Clone, Debug)]
pub struct VarValue {
    pub expr: Expr,
    /// Where it was set, for the label: "set in terraform.tfvars".
    pub label: String,
}

pub struct Instance {
    pub module: Arc<TfModule>,
    /// `""` for the root, `module.a.module.b["x"].` below it.
    pub prefix: String,
    /// Dotted module key (`a.b`), as in `.terraform/modules/modules.json`.
    pub key: String,
    /// Caller instance, the call, and the call's `count.index` / `each` of this instance.
    pub caller: Option<Caller>,
    /// Module call name → its instances (several for `count`/`for_each`; `module.m.out`
    /// reads the first).
    pub children: HashMap<String, Vec<u32>>,
    /// Why this module instance may not exist (labels on its calls' `count`/`for_each`).
    pub labels: Vec<Via>,
}

pub struct Caller {
    pub instance: u32,
    pub call: ModuleCall,
    pub bindings: Vec<(String, Value)>,
}

/// One root module with everything it calls.
pub struct TfUnit {
    pub instances: Vec<Instance>,
    pub resources: Vec<UnitResource>,
    /// (instance, type, name) → resource, so references resolve in O(1).
    by_name: HashMap<(u32, String, String), ResKey>,
    tfvars: HashMap<String, VarValue>,
    memo: super::Memo,
    /// Module calls that could not be followed, with why (for `--show-unresolved`).
    pub skipped_modules: Vec<(Span, String)>,
    /// Module instances not deployed with these inputs: (address, why).
    pub not_deployed: Vec<(String, NotDeployed)>,
    /// The unit's evaluation budget.
    pub budget: super::Budget,
}

const VAR: u8 = 0;
const LOCAL: u8 = 1;
const OUTPUT: u8 = 2;

impl TfUnit {
    /// The module calls instance `i` was created through, outermost first (their headers).
    pub fn call_chain(&self, mut i: u32) -> Vec<Span> {
        let mut out = Vec::new();
        while let Some(caller) = self.instances.get(i as usize).and_then(|x| x.caller.as_ref()) {
            out.push(caller.call.header);
            i = caller.instance;
        }
        out.reverse();
        out
    }

    /// Instantiates `root` and, recursively, the local modules it calls. `tfvars` are in
    /// precedence order: later entries override earlier ones.
    pub fn new(root: Arc<TfModule>, tfvars: Vec<(String, VarValue)>, loader: &dyn ModuleLoader) -> TfUnit {
        let mut unit = TfUnit {
            instances: Vec::new(),
            resources: Vec::new(),
            by_name: HashMap::new(),
            tfvars: tfvars.into_iter().collect(),
            memo: super::Memo::default(),
            skipped_modules: Vec::new(),
            not_deployed: Vec::new(),
            budget: super::Budget::default(),
        };
        let mut stack = vec![root.dir.clone()];
        unit.instantiate(root, String::new(), String::new(), None, Vec::new(), loader, &mut stack);
        // Values computed while instances were being added may have read modules that did
        // not exist yet.
        unit.memo.clear();
        unit
    }

    #[allow(clippy::too_many_arguments)]
    fn instantiate(
        &mut self,
        module: Arc<TfModule>,
        prefix: String,
        key: String,
        caller: Option<Caller>,
        labels: Vec<Via>,
        loader: &dyn ModuleLoader,
        stack: &mut Vec<PathBuf>,
    ) -> u32 {
        let id = self.instances.len() as u32;
        for r in &module.resources {
            self.by_name
                .entry((id, r.rtype.clone(), r.name.clone()))
                .or_insert(ResKey(self.resources.len() as u32));
            let gates = [("count", GateKind::Count), ("for_each", GateKind::ForEach)]
                .into_iter()
                .filter_map(|(name, kind)| {
                    Some(Gate {
                        kind,
                        expr: r.body.field(name)?.value.clone(),
                        instance: id,
                    })
                })
                .collect();
            let declared = format!("{}.{}", r.rtype_written, r.name);
            self.resources.push(UnitResource {
                instance: id,
                resource: r.clone(),
                address: format!("{prefix}{declared}"),
                declared,
                gates,
                labels: labels.clone(),
            });
        }
        self.instances.push(Instance {
            module: module.clone(),
            prefix: prefix.clone(),
            key: key.clone(),
            caller,
            children: HashMap::new(),
            labels: labels.clone(),
        });
        // Calls without `count`/`for_each` first: a repeated call's collection may read
        // another module's outputs.
        let mut calls: Vec<&ModuleCall> = module.modules.iter().collect();
        calls.sort_by_key(|c| c.count.is_some() || c.for_each.is_some());
        for call in calls {
            let Some(source) = &call.source else {
                self.skipped_modules.push((
                    call.source_span,
                    format!("module `{}` has no literal source", call.name),
                ));
                continue;
            };
            let child_key = if key.is_empty() {
                call.name.clone()
            } else {
                format!("{key}.{}", call.name)
            };
            let dir = match loader.resolve(&module.dir, &child_key, source) {
                Ok(dir) => dir,
                Err(why) => {
                    self.skipped_modules.push((call.source_span, why));
                    continue;
                }
            };
            if let Some(why) = super::module_limit(&call.name, stack.len(), stack.contains(&dir), self.instances.len())
            {
                self.skipped_modules.push((call.source_span, why));
                continue;
            }
            let Some(child) = loader.load(&dir) else {
                self.skipped_modules.push((
                    call.source_span,
                    format!("module directory `{source}` has no readable .tf files"),
                ));
                continue;
            };
            let gates: Vec<Gate> = [(&call.count, GateKind::Count), (&call.for_each, GateKind::ForEach)]
                .into_iter()
                .filter_map(|(e, kind)| {
                    Some(Gate {
                        kind,
                        expr: e.clone()?,
                        instance: id,
                    })
                })
                .collect();
            let expansion = {
                let (ev, strict) = (Evaluator::new(&*self), Evaluator::strict(&*self));
                let base = super::exist::Instance {
                    labels: labels.clone(),
                    ..Default::default()
                };
                super::exist::expand(&ev, &strict, &gates, base)
            };
            let address = format!("{prefix}module.{}", call.name);
            for n in expansion.skipped {
                self.not_deployed.push((format!("{address}{}", n.key), n));
            }
            for (span, why) in expansion.truncated {
                self.skipped_modules
                    .push((span, format!("module `{}`: {why}", call.name)));
            }
            stack.push(dir);
            for inst in expansion.instances {
                if let Some(why) = super::module_limit(&call.name, 0, false, self.instances.len()) {
                    self.skipped_modules.push((call.source_span, why));
                    break;
                }
                let child_prefix = format!("{address}{}.", inst.key);
                let caller = Caller {
                    instance: id,
                    call: call.clone(),
                    bindings: inst.bindings,
                };
                let cid = self.instantiate(
                    child.clone(),
                    child_prefix,
                    child_key.clone(),
                    Some(caller),
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

    fn variable(&self, ev: &Evaluator, inst: u32, name: &str, span: Span) -> Value {
        self.memo(ev, inst, VAR, name, span, || {
            let instance = &self.instances[inst as usize];
            let shown = format!("{}var.{name}", instance.prefix);
            if let Some(Caller {
                instance: caller,
                call,
                bindings,
            }) = &instance.caller
            {
                if let Some(arg) = call.args.iter().find(|a| a.key.as_deref() == Some(name)) {
                    // Set by the caller; in strict mode only as far as the argument is not
                    // itself decided by a default (it is evaluated strictly too).
                    ev.note_input(&shown, Some(format!("is passed by module call `{}`", call.name)));
                    let v = ev.eval(&Scope::new(*caller).with(bindings.iter().cloned()), &arg.value);
                    return v.via(
                        arg.value.span,
                        format!("`{name}` is passed by module call `{}`", call.name),
                    );
                }
            } else if let Some(set) = self.tfvars.get(name) {
                ev.note_input(&shown, Some(format!("is {}", set.label)));
                return ev
                    .eval(&Scope::new(inst), &set.expr)
                    .via(set.expr.span, set.label.clone());
            }
            match instance.module.variables.get(name) {
                // Not set, with the values it may take: one of them (only a default
                // would decide otherwise, and existence is not decided by a default).
                Some(Variable {
                    allowed: Some(allowed),
                    default,
                    ..
                }) if ev.strict || default.is_none() => {
                    ev.note_input(&shown, None);
                    super::allowed_choice(ev, &Scope::new(inst), allowed, &shown, span)
                }
                Some(Variable { default: Some(_), .. }) if ev.strict => {
                    ev.note_input(&shown, None);
                    Value::unknown(format!("`{shown}` is not set; only its default decides"), span)
                }
                Some(Variable { default: Some(d), .. }) => ev
                    .eval(&Scope::new(inst), d)
                    .via(d.span, format!("default of variable `{name}`")),
                Some(_) => Value::unknown(format!("variable `{name}` has no default and no value is set"), span),
                None => Value::unknown(format!("variable `{name}` is not declared"), span),
            }
        })
    }

    fn local(&self, ev: &Evaluator, inst: u32, name: &str, span: Span) -> Value {
        self.memo(ev, inst, LOCAL, name, span, || {
            match self.instances[inst as usize].module.locals.get(name) {
                Some(e) => ev
                    .eval(&Scope::new(inst), e)
                    .via(e.span, format!("local value `{name}`")),
                None => Value::unknown(format!("local `{name}` is not declared"), span),
            }
        })
    }

    fn output(&self, ev: &Evaluator, inst: u32, module: &str, name: &str, span: Span) -> Value {
        let Some(&child) = self.instances[inst as usize]
            .children
            .get(module)
            .and_then(|c| c.first())
        else {
            return Value::unknown(format!("module `{module}` is not local"), span);
        };
        let key = format!("{module}.{name}");
        self.memo(ev, inst, OUTPUT, &key, span, || {
            match self.instances[child as usize].module.outputs.get(name) {
                Some(e) => ev.eval(&Scope::new(child), e),
                None => Value::unknown(format!("module `{module}` has no output `{name}`"), span),
            }
        })
    }

    fn resource_key(&self, inst: u32, rtype: &str, name: &str) -> Option<ResKey> {
        self.by_name.get(&(inst, rtype.to_string(), name.to_string())).copied()
    }
}

fn attr<'a>(segs: &[Seg<'a>], i: usize) -> Option<&'a str> {
    match segs.get(i) {
        Some(Seg::Attr(a)) => Some(a),
        _ => None,
    }
}

impl Env for TfUnit {
    fn budget(&self) -> &super::Budget {
        &self.budget
    }

    fn dialect(&self) -> Dialect {
        Dialect::Terraform
    }

    fn resolve(&self, ev: &Evaluator, scope: &Scope, root: &str, segs: &[Seg], span: Span) -> Option<(Value, usize)> {
        let inst = scope.instance;
        let all = segs.len();
        Some(match root {
            "var" => match attr(segs, 0) {
                Some(n) => (self.variable(ev, inst, n, span), 1),
                None => (Value::unknown("`var` needs a name", span), all),
            },
            "local" => match attr(segs, 0) {
                Some(n) => (self.local(ev, inst, n, span), 1),
                None => (Value::unknown("`local` needs a name", span), all),
            },
            "module" => match (attr(segs, 0), attr(segs, 1)) {
                (Some(m), Some(o)) => (self.output(ev, inst, m, o, span), 2),
                _ => (Value::unknown("module output is not known", span), all),
            },
            "data" => (Value::unknown("data sources are read at apply time", span), all),
            "count" | "each" | "path" | "terraform" | "self" => (
                Value::unknown(format!("`{root}` is only known during a Terraform run"), span),
                all,
            ),
            rtype => {
                let name = attr(segs, 0)?;
                let key = self.resource_key(inst, &rtype.to_ascii_lowercase(), name)?;
                // Skip `[0]` / `["k"]` of count / for_each instances.
                let mut i = 1;
                while matches!(segs.get(i), Some(Seg::Index(_))) {
                    i += 1;
                }
                match attr(segs, i) {
                    Some(a) => {
                        let sym = Symbol {
                            resource: key,
                            attr: a.to_string(),
                        };
                        (Value::new(Kind::Str(PStr::sym(sym)), span), i + 1)
                    }
                    None => (Value::unknown("reference to a whole resource", span), all),
                }
            }
        })
    }
}
