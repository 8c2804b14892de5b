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
}

const PHASES: [(Phase, &str); 5] = [
    (Phase::Discover, "discover"),
    (Phase::Read, "read"),
    (Phase::Parse, "parse"),
    (Phase::Evaluate, "evaluate"),
    (Phase::Rules, "rules"),
];

/// Accumulates nanoseconds per phase from any thread.
#[derive(Debug, Default)]
pub struct Clock {
    nanos: [AtomicU64; 5],
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
}

/// A finished run's timings.
#[derive(Clone, Debug, Default)]
pub struct Timings {
    pub phases: Vec<(&'static str, Duration)>,
    pub total: Duration,
}

impl Timings {
    pub fn from_clock(clock: &Clock, total: Duration) -> Timings {
        Timings {
            phases: PHASES.iter().map(|(p, name)| (*name, clock.get(*p))).collect(),
            total,
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
        s
    }
}
