//! Patrol planning as an interception game (ISACS 05.60 9.3.2: posts
//! detect, mobile units intervene; 9.1 risk-based).
//!
//! Zero-sum: the defenders publish a mixed strategy over joint pure plans
//! (one [`schedule::Schedule`] per unit); a smuggler who knows the mix but
//! not the day's draw picks the target (journey, direction, hour,
//! [`targets`]) that is worst for them. The defenders maximise the
//! guaranteed score min_t Σ_p x_p score(t, U(p, t)), where U is the
//! simulator's own expected P(intercept) ([`crate::sim::World::expected`]).
//!
//! Solved by double oracle: a master LP over the plans found so far and the
//! targets in play ([`lp`]); the smuggler's oracle enumerates every target
//! against the mix (exact: the guarantee reported is the minimum over all
//! targets); the defenders' oracle is coordinate ascent, unit by unit, over
//! standby schedules at positions along the journeys the smuggler's mix
//! weighs, at shift starts every few hours ([`oracle`]). Every few rounds
//! the game over the units' marginals ([`bound`]) is solved over every
//! schedule found so far and standby along the journeys of every target
//! it weighs: its value bounds what any mix of those schedules
//! can guarantee, and joint plans drawn from its marginals join the
//! master. The gap is (bound − guarantee) / bound, over the schedules
//! considered (the defenders' oracle is a search, not a proof over every
//! possible schedule).

pub mod bound;
pub mod evaluate;
pub mod lp;
pub mod needs;
pub mod oracle;
pub mod orders;
pub mod output;
pub mod run;
pub mod schedule;
pub mod targets;

use crate::error::{Error, Result};
use crate::sim::World;
use rayon::prelude::*;
use schedule::Schedule;
use serde::Serialize;
use targets::Target;

/// The marginal game (the bound, and plans drawn from its marginals) is
/// solved at the first round, every this many rounds after, and at the last.
const BOUND_EVERY: usize = 4;

/// Joint plans drawn from the marginal game's marginals each time.
const DRAWS: usize = 16;

/// Options of the game solver.
#[derive(Clone, Debug, Serialize)]
pub struct GameOptions {
    /// Stop once (bound − guarantee) / bound is at most this.
    pub gap: f64,
    /// Stop after this long (seconds of solving). A finite limit makes the
    /// result depend on the machine's speed; rounds do not.
    pub time_limit_s: f64,
    /// Stop after this many rounds (the default stop: deterministic).
    pub max_iters: usize,
    /// Entry minutes averaged per hour of a target.
    pub entries_per_hour: usize,
    /// Shift starts tried, every this many hours.
    pub start_step_h: f64,
    /// Response positions along the journeys, every this many metres.
    pub position_spacing_m: f64,
    /// Response positions tried per unit and round.
    pub max_positions: usize,
    /// Targets the oracle weighs per round (the smuggler's mix's heaviest).
    pub focus_targets: usize,
    /// A post or position joins the patrol graph within this distance, m.
    pub access_m: f64,
    /// How the targets are valued.
    pub values: targets::Values,
    /// The smuggler may also cross off the mapped ways
    /// ([`crate::sim::corridor`]); the world must be built with
    /// [`crate::sim::SimOptions::corridors`] to match.
    pub corridors: bool,
    #[serde(skip)]
    pub progress: crate::progress::Progress,
}

impl Default for GameOptions {
    fn default() -> Self {
        GameOptions {
            gap: 0.05,
            time_limit_s: f64::INFINITY,
            max_iters: 24,
            entries_per_hour: 3,
            start_step_h: 3.0,
            position_spacing_m: 1000.0,
            max_positions: 30,
            focus_targets: 12,
            access_m: crate::plan::DEFAULT_ACCESS_M,
            values: targets::Values::Risk,
            corridors: false,
            progress: Default::default(),
        }
    }
}

/// The solved game.
#[derive(Clone, Debug)]
pub struct Solution {
    /// Pure plans: per unit in play, an index into the pool.
    pub plans: Vec<Vec<usize>>,
    /// Probability of each plan.
    pub mix: Vec<f64>,
    /// min over every target of the mix's score (the guarantee).
    pub guaranteed: f64,
    /// The relaxation's bound on the best guarantee.
    pub upper_bound: f64,
    pub iterations: usize,
    pub elapsed_s: f64,
    /// Per target: (P(detect), P(intercept)) against the mix.
    pub against: Vec<(f64, f64)>,
    /// The smuggler's best response (index into the targets; ties: lowest).
    pub best_response: usize,
    /// Why it stopped.
    pub stop: &'static str,
}

impl Solution {
    /// (bound − guarantee) / bound; 0 when they meet (also at 0).
    pub fn gap(&self) -> f64 {
        if self.upper_bound - self.guaranteed < 1e-4 {
            0.0
        } else {
            ((self.upper_bound - self.guaranteed) / self.upper_bound).max(0.0)
        }
    }
}

fn standby_key(unit: usize, start_s: f64, at: geo::Coord) -> (usize, i64, i64, i64) {
    (
        unit,
        start_s.round() as i64,
        (at.x * 1000.0).round() as i64,
        (at.y * 1000.0).round() as i64,
    )
}

/// A bound holds over the schedules it was given, and the pool only
/// grows: the newest bound is the one that holds, unless the pool is the
/// same as the last bound's (`same_pool`), when both hold.
fn newest(upper: f64, same_pool: bool, value: f64) -> f64 {
    if same_pool {
        upper.min(value)
    } else {
        value
    }
}

/// Response positions per unit that a bound's candidates take, along
/// the routes of every target it weighs.
const BOUND_POSITIONS: usize = 90;

/// Targets in play that a bound weighs at most (the worst against the mix).
const BOUND_IN_PLAY: usize = 140;

/// Targets beyond those in play that each bound weighs.
const FINAL_BOUND_EXTRA: usize = 60;

/// Targets added to the master per round (the worst against its mix).
const ADD_TARGETS: usize = 24;

/// Add to `in_play` up to `n` targets not in it yet, the lowest scores
/// first (ties: lowest index), each below `below`; how many were added.
fn add_worst(in_play: &mut Vec<usize>, scores: &[f64], n: usize, below: f64) -> usize {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]).then(a.cmp(&b)));
    let mut added = 0;
    for t in order {
        if added >= n || scores[t] >= below {
            break;
        }
        if !in_play.contains(&t) {
            in_play.push(t);
            added += 1;
        }
    }
    added
}

/// The game on a prepared world.
pub struct Game<'w, 'a> {
    pub w: &'w World<'a>,
    pub o: GameOptions,
    /// Scenario indices of the units in play.
    pub units: Vec<usize>,
    pub targets: Vec<Target>,
    /// Every schedule considered so far.
    pub pool: Vec<Schedule>,
    /// Standby schedules in the pool by (unit, start s, position mm).
    keys: std::collections::HashMap<(usize, i64, i64, i64), usize>,
    /// Each unit's travel from its post (built when first needed).
    reach: std::collections::HashMap<usize, Option<std::sync::Arc<schedule::Reach<'w>>>>,
    /// Per target, P(intercept) against each plan found (plan-major).
    cols: Vec<Vec<f32>>,
    det_cols: Vec<Vec<f32>>,
    plans: Vec<Vec<usize>>,
    effects: bound::Effects,
}

impl<'w, 'a> Game<'w, 'a> {
    /// The game for `units` (scenario indices) against `targets` on `w`
    /// (its options give the cooperation). Errors when there is nothing to
    /// intercept.
    pub fn new(
        w: &'w World<'a>,
        units: Vec<usize>,
        targets: Vec<Target>,
        o: GameOptions,
    ) -> Result<Self> {
        if targets.is_empty() {
            return Err(Error::Infeasible(format!(
                "{}: no target for the interception game: the scenario has no informal route",
                w.s.path.display()
            )));
        }
        Ok(Game {
            w,
            o,
            units,
            targets,
            pool: Vec::new(),
            keys: Default::default(),
            reach: Default::default(),
            cols: Vec::new(),
            det_cols: Vec::new(),
            plans: Vec::new(),
            effects: Default::default(),
        })
    }

    /// Add a schedule to the pool (or find the same one), its index.
    pub fn add_schedule(&mut self, s: Schedule) -> usize {
        if let schedule::Duty::Standby { at, .. } = s.duty {
            let key = standby_key(s.unit, s.start_s, at);
            if let Some(&i) = self.keys.get(&key) {
                return i;
            }
            self.keys.insert(key, self.pool.len());
        }
        self.pool.push(s);
        self.pool.len() - 1
    }

    /// Per unit in play: every schedule of it in the pool.
    pub fn pool_by_unit(&self) -> Vec<Vec<usize>> {
        self.units
            .iter()
            .map(|&u| {
                (0..self.pool.len())
                    .filter(|&i| self.pool[i].unit == u)
                    .collect()
            })
            .collect()
    }

    /// The standby schedule of `unit` at `at` from `start_s` already in
    /// the pool.
    pub fn find_standby(&self, unit: usize, start_s: f64, at: geo::Coord) -> Option<usize> {
        self.keys.get(&standby_key(unit, start_s, at)).copied()
    }

    /// Unit `unit`'s travel from its post (`None`: no graph or post).
    pub fn reach(&mut self, unit: usize) -> Option<std::sync::Arc<schedule::Reach<'w>>> {
        let (w, access) = (self.w, self.o.access_m);
        self.reach
            .entry(unit)
            .or_insert_with(|| schedule::Reach::new(w, unit, access).map(std::sync::Arc::new))
            .clone()
    }

    /// Add a pure plan (pool index per unit in play); its index.
    pub fn add_plan(&mut self, plan: Vec<usize>) -> usize {
        if let Some(i) = self.plans.iter().position(|p| *p == plan) {
            return i;
        }
        let (d, u) = self.column(&plan);
        self.plans.push(plan);
        self.cols.push(u);
        self.det_cols.push(d);
        self.plans.len() - 1
    }

    pub fn plans(&self) -> &[Vec<usize>] {
        &self.plans
    }

    /// (P(detect), P(intercept)) of every target against a pure plan.
    fn column(&self, plan: &[usize]) -> (Vec<f32>, Vec<f32>) {
        let crews = targets::crews(plan.iter().map(|&i| &self.pool[i]));
        let per = self.o.entries_per_hour;
        let v: Vec<(f64, f64)> = self
            .targets
            .par_iter()
            .map(|t| targets::payoff(self.w, &crews, t, per))
            .collect();
        (
            v.iter().map(|x| x.0 as f32).collect(),
            v.iter().map(|x| x.1 as f32).collect(),
        )
    }

    /// Per target: (P(detect), P(intercept)) against the mix.
    pub fn against(&self, mix: &[f64]) -> Vec<(f64, f64)> {
        (0..self.targets.len())
            .map(|t| {
                mix.iter().enumerate().fold((0.0, 0.0), |acc, (p, x)| {
                    (
                        acc.0 + x * self.det_cols[p][t] as f64,
                        acc.1 + x * self.cols[p][t] as f64,
                    )
                })
            })
            .collect()
    }

    /// The worst target for the defenders against `mix`: (index, score);
    /// ties go to the lowest index.
    pub fn worst(&self, against: &[(f64, f64)]) -> (usize, f64) {
        let mut best = (0, f64::INFINITY);
        for (i, (t, a)) in self.targets.iter().zip(against).enumerate() {
            let sc = targets::score(t, a.1);
            if sc < best.1 - 1e-12 {
                best = (i, sc);
            }
        }
        best
    }

    /// Solve from the plans added so far (at least one).
    pub fn solve(&mut self) -> Result<Solution> {
        self.solve_from(None)
    }

    /// As [`Game::solve`], with a starting mix over the plans added so far:
    /// the result is never worse than it.
    pub fn solve_from(&mut self, start: Option<Vec<f64>>) -> Result<Solution> {
        if self.plans.is_empty() {
            return Err(Error::Infeasible(
                "interception game: no starting plan".into(),
            ));
        }
        let t_start = std::time::Instant::now();
        let debug = std::env::var_os("BW_GAME_DEBUG").is_some();
        let start = start.map(|mut m| {
            m.resize(self.plans.len(), 0.0);
            m
        });
        let mut in_play = self.first_in_play(start.as_deref());
        let mut best: Option<(Vec<f64>, f64)> = start.map(|m| {
            let g = self.worst(&self.against(&m)).1;
            (m, g)
        });
        let mut upper = f64::INFINITY;
        let mut bound_pool = 0;
        let mut iterations = 0;
        let mut stop = "round limit";
        while iterations < self.o.max_iters {
            iterations += 1;
            if self.o.progress.cancelled() {
                return Err(Error::Cancelled);
            }
            let a = self.master(&in_play);
            let (x, v_master) = lp::defenders(&a)?;
            let against = self.against(&x);
            let (_, guaranteed) = self.worst(&against);
            if best.as_ref().is_none_or(|b| guaranteed > b.1 + 1e-12) {
                best = Some((x.clone(), guaranteed));
            }
            // the smuggler's oracle: every target against the mix
            let added = add_worst(
                &mut in_play,
                &self.scores(&against),
                ADD_TARGETS,
                v_master - 1e-9,
            );
            let (y, u_master) = lp::smuggler(&a)?;
            let focus = oracle::focus(&in_play, &y, self.o.focus_targets);
            let cands = oracle::candidates(self, &focus, self.o.max_positions);
            let current = (0..self.plans.len())
                .max_by(|&p, &q| x[p].total_cmp(&x[q]).then(q.cmp(&p)))
                .unwrap_or(0);
            let lower = best.as_ref().map(|b| b.1).unwrap_or(0.0);
            // the bound costs more than a round: every few rounds
            let out_of_time = t_start.elapsed().as_secs_f64() > self.o.time_limit_s;
            // (the last round's bound is the final one, below)
            if iterations % BOUND_EVERY == 1 && iterations < self.o.max_iters && !out_of_time {
                let rows = self.bound_rows(&in_play, &against);
                let every = oracle::Focus {
                    targets: rows.iter().map(|&t| (t, 1.0)).collect(),
                    rest: 0.0,
                };
                let bcands = oracle::candidates(self, &every, BOUND_POSITIONS);
                let r = bound::relaxed(self, &rows, &bcands, lower)?;
                upper = newest(upper, bound_pool == self.pool.len(), r.value);
                bound_pool = self.pool.len();
                let fallback = self.plans[current].clone();
                for p in r.draws(&bcands, &fallback, DRAWS, iterations as u64) {
                    self.add_plan(p);
                }
            }
            if debug {
                eprintln!("round {iterations}: guarantee {guaranteed:.3} master {v_master:.3} bound {upper:.3} in play {} pool {} plans {} at {:.1}s", in_play.len(), self.pool.len(), self.plans.len(), t_start.elapsed().as_secs_f64());
            }
            if bound_pool == self.pool.len() && upper > 0.0 && (upper - lower) / upper <= self.o.gap
            {
                stop = "gap reached";
                break;
            }
            if out_of_time {
                stop = "time limit";
                break;
            }
            let (plan, value) = oracle::best_response(self, &focus, &cands, current);
            let before = self.plans.len();
            self.add_plan(plan);
            if added == 0 && (self.plans.len() == before || value <= u_master + 1e-9) {
                stop = "no better plan found";
                break;
            }
        }
        let (mut mix, guaranteed) = best.unwrap_or_default();
        mix.resize(self.plans.len(), 0.0);
        // the last bound, over every schedule in the pool (also for a
        // game of no rounds: the independent plan's product, scored)
        let rows = self.bound_rows(&in_play, &self.against(&mix));
        let last = bound::relaxed(self, &rows, &self.pool_by_unit(), guaranteed)?;
        upper = newest(upper, bound_pool == self.pool.len(), last.value);
        let against = self.against(&mix);
        let (best_response, _) = self.worst(&against);
        Ok(Solution {
            plans: self.plans.clone(),
            mix,
            guaranteed,
            upper_bound: if upper.is_finite() {
                upper.max(guaranteed)
            } else {
                1.0
            },
            iterations,
            elapsed_s: t_start.elapsed().as_secs_f64(),
            against,
            best_response,
            stop,
        })
    }

    /// The targets in play at the start: the worst against the starting
    /// mix, else the worst few against each plan (about ADD_TARGETS in
    /// all, at least 4 per plan). A start of many plans (the product of
    /// two States' mixes, a rung's explored plans) would otherwise put
    /// most targets in play.
    fn first_in_play(&self, start: Option<&[f64]>) -> Vec<usize> {
        let mut in_play: Vec<usize> = Vec::new();
        if let Some(m) = start {
            let sc = self.scores(&self.against(m));
            add_worst(&mut in_play, &sc, 2 * ADD_TARGETS, f64::INFINITY);
        } else {
            let per_plan = ADD_TARGETS.div_ceil(self.plans.len()).max(4);
            for p in 0..self.plans.len() {
                let sc = self.scores(&self.column_of(p));
                add_worst(&mut in_play, &sc, per_plan, f64::INFINITY);
            }
        }
        in_play
    }

    /// (P(detect), P(intercept)) of every target against plan `p` alone.
    fn column_of(&self, p: usize) -> Vec<(f64, f64)> {
        self.det_cols[p]
            .iter()
            .zip(&self.cols[p])
            .map(|(d, u)| (*d as f64, *u as f64))
            .collect()
    }

    /// Each target's score against (P(detect), P(intercept)) per target.
    fn scores(&self, against: &[(f64, f64)]) -> Vec<f64> {
        self.targets
            .iter()
            .zip(against)
            .map(|(t, a)| targets::score(t, a.1))
            .collect()
    }

    /// The master's matrix: plans × targets in play.
    fn master(&self, in_play: &[usize]) -> Vec<Vec<f64>> {
        (0..self.plans.len())
            .map(|p| {
                in_play
                    .iter()
                    .map(|&t| targets::score(&self.targets[t], self.cols[p][t] as f64))
                    .collect()
            })
            .collect()
    }

    /// The targets each bound weighs: the [`BOUND_IN_PLAY`] worst of those
    /// in play against the mix (`against`) and the [`FINAL_BOUND_EXTRA`]
    /// worst of all; any subset of targets bounds the value, and the
    /// bound's LP grows with its rows far faster than the master.
    fn bound_rows(&self, in_play: &[usize], against: &[(f64, f64)]) -> Vec<usize> {
        let scores = self.scores(against);
        let mut rows = in_play.to_vec();
        rows.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]).then(a.cmp(&b)));
        rows.truncate(BOUND_IN_PLAY);
        add_worst(&mut rows, &scores, FINAL_BOUND_EXTRA, f64::INFINITY);
        rows
    }
}
