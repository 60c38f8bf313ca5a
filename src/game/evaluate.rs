//! The published mix replayed by the simulator: each crossing meets the
//! pure plan drawn for its day (seeded per run), and the smuggler either
//! best-responds to the mix (knows the probabilities, not the draw: the
//! target worst for the defenders by the exact expectation) or comes at
//! random as `simulate` draws them.

use super::schedule::Schedule;
use super::targets::{crews, Target};
use crate::seed::mix;
use crate::sim::tally::Tally;
use crate::sim::{Knowledge, Outcome, World};
use rayon::prelude::*;
use serde::Serialize;

/// Simulated interception with its 95 % confidence interval.
#[derive(Clone, Debug, Serialize)]
pub struct Estimate {
    pub runs: usize,
    pub p_detect: f64,
    pub p_intercept: f64,
    /// Normal-approximation 95 % interval of P(intercept).
    pub ci95: [f64; 2],
}

impl Estimate {
    pub fn of(outs: &[Outcome]) -> Self {
        let d = outs.iter().filter(|o| o.detected_s.is_some()).count();
        let i = outs.iter().filter(|o| o.intercepted_s.is_some()).count();
        Self::of_counts(outs.len(), d, i)
    }

    /// Of `runs` crossings, `detected` detected and `intercepted`
    /// intercepted.
    pub fn of_counts(runs: usize, detected: usize, intercepted: usize) -> Self {
        let n = runs.max(1) as f64;
        let d = detected as f64 / n;
        let p = intercepted as f64 / n;
        let h = 1.96 * (p * (1.0 - p) / n).sqrt();
        let r4 = |x: f64| (x * 1e4).round() / 1e4;
        Estimate {
            runs,
            p_detect: r4(d),
            p_intercept: r4(p),
            ci95: [r4((p - h).max(0.0)), r4((p + h).min(1.0))],
        }
    }
}

/// The plan a draw `u` in 0..1 picks from `probs` (plans with probability
/// 0 are never picked; past the sum: the last plan that has any).
pub fn draw(probs: &[f64], u: f64) -> usize {
    let mut acc = 0.0;
    for (i, p) in probs.iter().enumerate() {
        acc += p;
        if u < acc && *p > 0.0 {
            return i;
        }
    }
    probs.iter().rposition(|p| *p > 0.0).unwrap_or(0)
}

/// `runs` crossings against the mix (`plans` over `pool`, with `probs`).
/// `best` is the target a best-responding smuggler takes, entered at one
/// of its `per_hour` entry minutes.
#[allow(clippy::too_many_arguments)]
pub fn replay(
    w: &World,
    pool: &[Schedule],
    plans: &[Vec<usize>],
    probs: &[f64],
    knowledge: Knowledge,
    best: Option<&Target>,
    runs: usize,
    seed: u64,
    per_hour: usize,
) -> Vec<Outcome> {
    let m = Mix { pool, plans, probs };
    replay_runs(w, &m, knowledge, best, 0..runs as u64, seed, per_hour)
}

/// As [`replay`], counted as the runs come ([`Tally`], keeping the first
/// `events` crossings): a chunk of runs at a time, so a replay of any
/// length takes the memory of one chunk.
#[allow(clippy::too_many_arguments)]
pub fn replay_tally(
    w: &World,
    m: &Mix,
    knowledge: Knowledge,
    best: Option<&Target>,
    runs: usize,
    seed: u64,
    per_hour: usize,
    events: usize,
) -> Tally {
    let mut t = Tally::new(w, events);
    let mut from = 0u64;
    while from < runs as u64 {
        let to = (from + crate::sim::tally::CHUNK).min(runs as u64);
        for o in replay_runs(w, m, knowledge, best, from..to, seed, per_hour) {
            t.add(o);
        }
        from = to;
    }
    t
}

/// A published mix: `plans` over `pool`, drawn with `probs`.
pub struct Mix<'p> {
    pub pool: &'p [Schedule],
    pub plans: &'p [Vec<usize>],
    pub probs: &'p [f64],
}

/// As [`replay`], runs `runs` only (each seeded by its number, so the
/// runs of a range are those of the whole): long replays go a chunk at a
/// time.
pub fn replay_runs(
    w: &World,
    m: &Mix,
    knowledge: Knowledge,
    best: Option<&Target>,
    runs: std::ops::Range<u64>,
    seed: u64,
    per_hour: usize,
) -> Vec<Outcome> {
    let (pool, plans, probs) = (m.pool, m.plans, m.probs);
    let days = ((w.horizon_s / 86_400.0).ceil() as usize).max(1);
    let all: Vec<Vec<crate::sim::Crew>> = plans
        .iter()
        .map(|p| crews(p.iter().map(|&i| &pool[i])))
        .collect();
    runs.into_par_iter()
        .map(|run| {
            let mut rng = fastrand::Rng::with_seed(mix(seed, 0x6A, run));
            let day = rng.usize(0..days) as f64 * 86_400.0;
            let plan = draw(probs, rng.f64());
            let (route, hour, forward) = match (knowledge, best) {
                // entered at one of the target's entry minutes (the
                // planner's, see targets::entries), at random
                (Knowledge::BestResponse, Some(t)) => {
                    let k = rng.usize(0..per_hour.max(1));
                    let t0 = super::targets::entries(t.hour, per_hour)
                        .nth(k)
                        .unwrap_or(0.0);
                    (t.route, t0 / 3600.0, t.forward)
                }
                _ => {
                    let r = rng.usize(0..w.mapped_routes);
                    let night = rng.f64() < w.o.night_share;
                    let h = crate::sim::entry_hour(night, rng.f64(), w.o.clock_offset_s);
                    (r, h, rng.bool())
                }
            };
            // the pure plan is the same every day: replay within the day
            let mut o = w.replay_with(&all[plan], route, hour * 3600.0, forward, &mut rng);
            let shift = |t: Option<f64>| t.map(|x| x + day);
            o.start_s += day;
            o.detected_s = shift(o.detected_s);
            o.intercepted_s = shift(o.intercepted_s);
            o
        })
        .collect()
}
