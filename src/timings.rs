//! Per-phase timings for `--timings`.
//!
//! Phases that run in parallel (read, parse, evaluate, rules) are summed over threads, so
//! they can add up to more than the wall time; they say where the work goes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    Discover,
    Read,
    Parse,
    Evaluate,
    Rules,
    /// Per-path ignores, suppressions, sorting and fingerprints, after the units.
    Suppress,
}

const PHASES: [(Phase, &str); 6] = [
    (Phase::Discover, "discover"),
    (Phase::Read, "read"),
    (Phase::Parse, "parse"),
    (Phase::Evaluate, "evaluate"),
    (Phase::Rules, "rules"),
    (Phase::Suppress, "suppress"),
];

/// Accumulates nanoseconds per phase from any thread, and the evaluation work units spent
/// (see [`crate::eval::budget`]).
#[derive(Debug, Default)]
pub struct Clock {
    nanos: [AtomicU64; 6],
    work: AtomicU64,
    max_work: AtomicU64,
    units: AtomicU64,
    exhausted: AtomicU64,
}

impl Clock {
    /// Runs `f`, adding its duration to `phase`.
    pub fn time<T>(&self, phase: Phase, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        let n = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.nanos[phase as usize].fetch_add(n, Ordering::Relaxed);
        out
    }

    pub fn get(&self, phase: Phase) -> Duration {
        Duration::from_nanos(self.nanos[phase as usize].load(Ordering::Relaxed))
    }

    /// Records the work one evaluation unit spent.
    pub fn note_work(&self, budget: &crate::eval::Budget) {
        self.work.fetch_add(budget.used(), Ordering::Relaxed);
        self.max_work.fetch_max(budget.used(), Ordering::Relaxed);
        self.units.fetch_add(1, Ordering::Relaxed);
        if budget.exhausted() {
            self.exhausted.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn work(&self) -> Work {
        Work {
            units: self.units.load(Ordering::Relaxed),
            total: self.work.load(Ordering::Relaxed),
            max: self.max_work.load(Ordering::Relaxed),
            exhausted: self.exhausted.load(Ordering::Relaxed),
        }
    }
}

/// Evaluation work of a run, in budget units: deterministic, unlike the times.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Work {
    /// Evaluation units (roots, templates) evaluated.
    pub units: u64,
    /// Work units spent in all of them.
    pub total: u64,
    /// The most one unit spent.
    pub max: u64,
    /// Units that spent their whole budget.
    pub exhausted: u64,
}

/// A finished run's timings.
#[derive(Clone, Debug, Default)]
pub struct Timings {
    pub phases: Vec<(&'static str, Duration)>,
    pub total: Duration,
    pub work: Work,
}

impl Timings {
    pub fn from_clock(clock: &Clock, total: Duration) -> Timings {
        Timings {
            phases: PHASES.iter().map(|(p, name)| (*name, clock.get(*p))).collect(),
            total,
            work: clock.work(),
        }
    }

    /// The table `--timings` prints to stderr; `report` is the rendering time.
    pub fn render(&self, report: Duration) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let mut s = String::from("timings (read, parse, evaluate and rules are summed over threads):\n");
        for (name, d) in &self.phases {
            s.push_str(&format!("  {name:<9} {:>10.2} ms\n", ms(*d)));
        }
        s.push_str(&format!("  {:<9} {:>10.2} ms\n", "report", ms(report)));
        s.push_str(&format!("  {:<9} {:>10.2} ms wall\n", "total", ms(self.total + report)));
        let w = &self.work;
        s.push_str(&format!(
            "evaluation work: {} units in {} evaluation units, at most {} in one (budget {} each; {} ran out)\n",
            w.total,
            w.units,
            w.max,
            crate::eval::budget::UNIT_BUDGET,
            w.exhausted
        ));
        s
    }
}
