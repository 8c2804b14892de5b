//! The evaluation budget: a fixed amount of work per unit, counted, never timed.
//!
//! Every expression node the evaluator visits costs one unit, and every value it copies or
//! builds costs its [`weight`] (about one unit per 100 bytes copied) — memo hits, loop bindings,
//! function results, strings built by `replace`/`join`/`format`. Copies are where hostile
//! input multiplies work (`l1 = [l0, l0]` … doubles on each line; a loop of 10,000 inside a
//! loop of 10,000), so charging them bounds both time and memory by the budget. When the
//! budget is spent every further evaluation is Unknown with [`EXCEEDED`], and the unit's
//! driver lists that once in `--show-unresolved`; the run goes on. A unit is a Terraform
//! root with its modules, a Bicep file with its modules and parameter file, or an ARM
//! template with its nested deployments and parameter files. Deterministic: the same input
//! spends the same units on every machine and thread count.

use std::cell::Cell;

use super::value::{Kind, Piece, Value};

/// Work units one unit may spend ([`crate::limits::EVAL_BUDGET`]).
pub const UNIT_BUDGET: u64 = crate::limits::EVAL_BUDGET;

/// Why a value is Unknown once the budget is spent.
pub const EXCEEDED: &str = "evaluation budget exceeded";

/// String bytes that cost one unit.
const BYTES_PER_UNIT: u64 = 64;

#[derive(Debug)]
pub struct Budget {
    total: u64,
    left: Cell<u64>,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::new(UNIT_BUDGET)
    }
}

impl Budget {
    pub fn new(total: u64) -> Budget {
        Budget {
            total,
            left: Cell::new(total),
        }
    }

    /// Spends `n` units; `false` (and nothing spent) when fewer are left — the caller then
    /// yields Unknown([`EXCEEDED`]). Once a charge fails, every later one fails too.
    pub fn charge(&self, n: u64) -> bool {
        let left = self.left.get();
        if n > left {
            self.left.set(0);
            return false;
        }
        self.left.set(left - n);
        true
    }

    /// Spends the cost of copying or building `v`, counted only up to what is left.
    pub fn charge_value(&self, v: &Value) -> bool {
        let w = weight(v, self.left.get().saturating_add(1));
        self.charge(w)
    }

    /// Spends the cost of building a string of `bytes` bytes.
    pub fn charge_bytes(&self, bytes: usize) -> bool {
        self.charge(1 + bytes as u64 / BYTES_PER_UNIT)
    }

    pub fn exhausted(&self) -> bool {
        self.left.get() == 0
    }

    pub fn used(&self) -> u64 {
        self.total - self.left.get()
    }

    pub fn total(&self) -> u64 {
        self.total
    }
}

/// The cost of copying `v`: two per node, one per origin hop, one per 64 string bytes,
/// counted up to `limit`
/// (iteratively: values can nest deeper than the stack should).
pub fn weight(v: &Value, limit: u64) -> u64 {
    let mut total = 0u64;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        // A unit is about 100 bytes of copying: a node (72 bytes and usually an allocation
        // of its own) is two, each hop of its origin (span and label string) one.
        total += 2 + v.origin.via.len() as u64;
        match &v.kind {
            Kind::Str(s) => {
                for p in &s.0 {
                    if let Piece::Lit(l) = p {
                        total += l.len() as u64 / BYTES_PER_UNIT;
                    }
                }
            }
            Kind::Array(items) => stack.extend(items.iter()),
            Kind::Object(fields) => stack.extend(fields.iter().map(|(_, v)| v)),
            Kind::Choice(cands) => stack.extend(cands.iter()),
            Kind::Null | Kind::Bool(_) | Kind::Number(_) | Kind::Unknown(_) => {}
        }
        if total >= limit {
            return total;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::PStr;
    use crate::source::{FileId, Span};

    fn sp() -> Span {
        Span::new(FileId(0), 0..0)
    }

    #[test]
    fn weight_counts_nodes_and_string_bytes_up_to_a_limit() {
        let s = Value::new(Kind::Str(PStr::lit("x".repeat(640))), sp());
        assert_eq!(weight(&s, u64::MAX), 12);
        let arr = Value::new(Kind::Array(vec![s.clone(), s.clone(), s]), sp());
        assert_eq!(weight(&arr, u64::MAX), 38);
        assert!(weight(&arr, 5) < 38);
    }

    #[test]
    fn a_spent_budget_refuses_every_later_charge() {
        let b = Budget::new(10);
        assert!(b.charge(4));
        assert_eq!(b.used(), 4);
        assert!(!b.charge(7));
        assert!(b.exhausted());
        assert!(!b.charge(1));
        assert_eq!(b.used(), 10);
    }
}
