//! The limits that keep the cost of any input bounded, in one place (the evaluator's
//! re-export theirs). README.md ("Reliability") lists them for users with what happens at
//! each; keep the two in step.
//!
//! Stack depth is handled twice, on purpose:
//!
//! - **Every tree is bounded by construction.** Parsers refuse brackets nested deeper than
//!   [`MAX_NESTING`] before the (recursive) third-party parsers see them, and refuse
//!   expression trees higher than [`MAX_NESTING`] (`a.b.b.b…`, `x[0][0]…`) while lowering,
//!   each with a `syntax-error` at the position. Named values (variables, locals, parameters,
//!   outputs) nesting deeper than [`MAX_NESTING`] become Unknown, and evaluation recursion
//!   stops at [`MAX_EVAL_DEPTH`]. That is what keeps the recursions we cannot instrument —
//!   the derived `Drop`, `Clone` and `Debug` of [`crate::ir::Expr`] and
//!   [`crate::eval::Value`] — shallow.
//! - **Our own recursive walks cannot overflow whatever their frame size**: the evaluator,
//!   whose depth adds up across reference hops (a variable whose default is a deep
//!   expression naming another such variable, 64 hops deep), runs through [`ensure_stack`],
//!   which moves onto a fresh heap-allocated stack segment when the current one runs low
//!   (the `stacker` crate, as rustc's `ensure_sufficient_stack`). Debug builds have frames
//!   several times larger than release builds, and rayon's worker threads 2 MiB stacks, so a
//!   depth limit alone would have to be chosen for the worst frame of the worst build.

/// Brackets (`[`, `{`, `(`, interpolations) and expression trees nest at most this deep.
/// No real template comes near it: the deepest in the corpus nests about 20 levels.
pub const MAX_NESTING: usize = 256;

/// Terraform object literals hold at most this many entries (hcl-edit's objects cost the
/// square of their size; see `parse::terraform::check_brackets`). Deeper or bigger is a
/// `syntax-error`.
pub const MAX_OBJECT_ENTRIES: usize = 8192;

/// Evaluation recursion (expression levels summed over reference hops) stops here; what is
/// deeper is Unknown("expression nests too deeply").
pub const MAX_EVAL_DEPTH: u32 = 1024;

/// Work units one evaluation unit (a Terraform root, a Bicep file with its parameter file,
/// an ARM template, each with its modules) may spend; past it values are Unknown
/// ("evaluation budget exceeded"). See `eval::budget` for what costs what. The largest real
/// unit measured (of Azure/bicep-registry-modules, the whole corpus) spends 59,000, 6%.
pub const EVAL_BUDGET: u64 = 1_000_000;

/// Reference hops (a variable whose value is a local whose value is …) at most.
pub const MAX_HOPS: u32 = 64;

/// Items a `for` expression, a `dynamic` block or ARM `range()` builds at most.
pub const MAX_ITEMS: usize = 10_000;

/// Strings longer than this (bytes) are Unknown: keeps chains that double a string on each
/// step from exhausting memory.
pub const MAX_STRING: usize = 1 << 20;

/// Local module calls nest at most this deep (Terraform and Bicep).
pub const MAX_MODULE_DEPTH: usize = 16;

/// Module instances (and copies of ARM `inner` deployments) one unit evaluates at most: a
/// module calling the next ten times, six levels deep, is a million.
pub const MAX_MODULE_INSTANCES: usize = 1024;

/// Instances of one resource (`count`, `for_each`, loops, `copy`) checked at most.
pub const MAX_RESOURCE_INSTANCES: usize = 256;

/// Candidates a value set holds at most; more is Unknown.
pub const MAX_CHOICES: usize = 8;

/// Files larger than this are not read (`--max-file-size` changes it): an `io-error` says so
/// before a byte is read.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 << 20;

/// `--max-file-size` cannot go above this: spans are 32-bit offsets.
pub const MAX_FILE_SIZE_CEILING: u64 = u32::MAX as u64 - 1;

/// Suppressions read per file at most (`cosmolint-ignore` comments and ARM metadata
/// entries); past it one `invalid-suppression` says the rest are ignored. Matching findings
/// against suppressions costs their product.
pub const MAX_SUPPRESSIONS_PER_FILE: usize = 1000;

/// Room left on the stack below which [`ensure_stack`] switches to a new segment.
const RED_ZONE: usize = 256 * 1024;
/// Size of each new stack segment.
const SEGMENT: usize = 4 << 20;

/// Runs `f`, first moving to a new stack segment when less than [`RED_ZONE`] is left.
#[inline]
pub fn ensure_stack<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, SEGMENT, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recurse(n: u32) -> u32 {
        // A large frame, as in a debug build of the evaluator.
        let pad = std::hint::black_box([0u8; 512]);
        if n == 0 {
            return u32::from(pad[0]);
        }
        ensure_stack(|| recurse(n - 1)) + u32::from(pad[1])
    }

    #[test]
    fn deep_recursion_through_ensure_stack_does_not_overflow() {
        // ~100 MB of frames on a 2 MiB thread stack.
        let t = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(|| recurse(200_000))
            .unwrap();
        assert_eq!(t.join().unwrap(), 0);
    }
}
