//! The game's pipelines: one plan (a mode and a cooperation), and the
//! cooperation ladder planned rung by rung, each rung starting from the
//! mix of the rung before (so its guarantee is never lower).

use super::evaluate::{self, Estimate};
use super::schedule::{self, Schedule};
use super::targets::{self, Target};
use super::{Game, GameOptions, Solution};
use crate::error::Result;
use crate::plan::UnitLayer;
use crate::seed::mix;
use crate::sim::{Cooperation, Knowledge, World};
use serde::Serialize;

/// A solved plan: the units in play (scenario indices), the schedules, the
/// targets and the solution.
pub struct Planned {
    pub units: Vec<usize>,
    pub pool: Vec<Schedule>,
    pub targets: Vec<Target>,
    pub solution: Solution,
    /// The idleness plan alone: its guarantee against the same targets.
    pub baseline_guaranteed: Option<f64>,
    pub baseline_plan: Option<usize>,
}

/// Scenario indices of the units of State `state` (all with `None`).
pub fn units_of(w: &World, state: Option<usize>) -> Vec<usize> {
    (0..w.s.units.len())
        .filter(|&i| {
            state.is_none_or(|st| {
                w.s.states
                    .get(st)
                    .is_some_and(|x| x.id == w.s.units[i].state)
            })
        })
        .collect()
}

/// State index entered by a target.
pub fn entered(w: &World, t: &Target) -> Option<usize> {
    let rt = &w.routes[t.route];
    let end = if t.forward {
        rt.side.last()
    } else {
        rt.side.first()
    };
    end.copied().flatten()
}

/// Start the game from the idleness plan's patrols (`layers`, by unit id)
/// and, for units without one, standing by at their posts from 20:00.
fn seed_plan(g: &mut Game, layers: &[UnitLayer]) -> Option<usize> {
    let w = g.w;
    let mut plan = Vec::new();
    for &u in &g.units.clone() {
        let id = w.s.units[u].id.as_str();
        let s = match layers.iter().find(|l| l.id == id) {
            Some(l) => schedule::patrol(w, u, l),
            None => {
                let reach = schedule::Reach::new(w, u, g.o.access_m)?;
                reach.standby(w, reach.home, 20.0 * 3600.0)?
            }
        };
        plan.push(g.add_schedule(s));
    }
    Some(g.add_plan(plan))
}

/// Solve the game for `units` against `targets` with the world's
/// cooperation, starting from the idleness plan and `warm` (joint plans as
/// schedules per unit of `units`, with their probabilities).
pub fn plan(
    w: &World,
    units: Vec<usize>,
    targets: Vec<Target>,
    idleness: &[UnitLayer],
    warm: Option<(&[Schedule], &[Vec<usize>], &[f64])>,
    o: &GameOptions,
) -> Result<Planned> {
    let mut g = Game::new(w, units, targets, o.clone())?;
    let mut warm_mix = None;
    if let Some((pool, plans, probs)) = warm {
        let map: Vec<usize> = pool.iter().map(|s| g.add_schedule(s.clone())).collect();
        let idx: Vec<usize> = plans
            .iter()
            .map(|p| g.add_plan(p.iter().map(|&i| map[i]).collect()))
            .collect();
        let mut m = vec![0.0; g.plans().len()];
        for (i, p) in idx.iter().zip(probs) {
            m[*i] += p;
        }
        warm_mix = Some(m);
    }
    let baseline_plan = seed_plan(&mut g, idleness);
    let baseline_guaranteed = baseline_plan.map(|b| {
        let mut m = vec![0.0; g.plans().len()];
        m[b] = 1.0;
        g.worst(&g.against(&m)).1
    });
    let solution = g.solve_from(warm_mix)?;
    Ok(Planned {
        units: g.units.clone(),
        pool: g.pool,
        targets: g.targets,
        solution,
        baseline_guaranteed,
        baseline_plan,
    })
}

/// One rung's figures.
#[derive(Clone, Debug, Serialize)]
pub struct RungResult {
    pub step: &'static str,
    pub guaranteed_p_intercept: f64,
    pub upper_bound: f64,
    pub gap: f64,
    pub iterations: usize,
    pub solve_s: f64,
    pub plans_in_mix: usize,
    /// The target the smuggler picks against this rung's mix.
    pub best_response: String,
    pub best_response_expected_p_intercept: f64,
    pub best_response_sim: Estimate,
    pub random_sim: Estimate,
    /// Random smugglers per State entered (code, estimate).
    pub random_per_state: Vec<(String, Estimate)>,
    /// The idleness plan alone at this rung: guarantee and simulated
    /// best-response P(intercept).
    pub idleness_guaranteed: Option<f64>,
}

/// A target as text: "R4 forward 02:00".
pub fn describe(w: &World, t: &Target) -> String {
    format!(
        "{} {} {:02}:00",
        w.routes[t.route].id,
        if t.forward { "forward" } else { "backward" },
        t.hour
    )
}

/// Sample `m` joint plans from independent per-State mixes.
fn product(
    parts: &[(Vec<usize>, Vec<Vec<usize>>, Vec<f64>)],
    n_units: usize,
    m: usize,
    seed: u64,
) -> Vec<Vec<usize>> {
    (0..m as u64)
        .map(|i| {
            let mut rng = fastrand::Rng::with_seed(mix(seed, 0x1D, i));
            let mut plan = vec![usize::MAX; n_units];
            for (slots, plans, probs) in parts {
                let u = rng.f64();
                let mut acc = 0.0;
                let mut k = plans.len() - 1;
                for (j, p) in probs.iter().enumerate() {
                    acc += p;
                    if u < acc {
                        k = j;
                        break;
                    }
                }
                for (s, &pi) in slots.iter().zip(&plans[k]) {
                    plan[*s] = pi;
                }
            }
            plan
        })
        .collect()
}

/// Plan and replay the ladder: independent (each State alone against the
/// targets entering its side, the two mixes drawn independently), joint,
/// + shared feeds, + hot pursuit. `idleness` are the idleness planner's
/// (independent, joint) plans.
pub fn ladder(
    w: &mut World,
    idleness: (&[UnitLayer], &[UnitLayer]),
    o: &GameOptions,
    runs: usize,
    seed: u64,
) -> Result<Vec<RungResult>> {
    let all_targets = targets::all(w);
    let mut out = Vec::new();
    let mut warm: Option<(Vec<Schedule>, Vec<Vec<usize>>, Vec<f64>)> = None;
    for step in crate::sim::ladder::LADDER.iter() {
        w.o.coop = step.coop;
        let (planned, idle_layers) = if step.plan == crate::plan::PlanMode::Independent {
            let mut pool: Vec<Schedule> = Vec::new();
            let mut parts = Vec::new();
            let all_units = units_of(w, None);
            for st in 0..w.s.states.len() {
                let units = units_of(w, Some(st));
                let tg: Vec<Target> = all_targets
                    .iter()
                    .filter(|t| entered(w, t) == Some(st))
                    .cloned()
                    .collect();
                if units.is_empty() || tg.is_empty() {
                    continue;
                }
                let p = plan(w, units.clone(), tg, idleness.0, None, o)?;
                let off = pool.len();
                pool.extend(p.pool.iter().cloned());
                let slots: Vec<usize> = units
                    .iter()
                    .map(|u| all_units.iter().position(|x| x == u).unwrap())
                    .collect();
                let plans: Vec<Vec<usize>> = p
                    .solution
                    .plans
                    .iter()
                    .map(|pl| pl.iter().map(|i| i + off).collect())
                    .collect();
                parts.push((slots, plans, p.solution.mix.clone()));
            }
            let sampled: Vec<Vec<usize>> = product(&parts, all_units.len(), 32, seed)
                .into_iter()
                .filter(|p| p.iter().all(|&i| i != usize::MAX))
                .collect();
            let probs = vec![1.0 / sampled.len().max(1) as f64; sampled.len()];
            // the product mix evaluated on every target, as a one-round game
            let mut evo = o.clone();
            evo.max_iters = 0;
            let p = plan(
                w,
                all_units,
                all_targets.clone(),
                idleness.0,
                Some((&pool, &sampled, &probs)),
                &evo,
            )?;
            (p, idleness.0)
        } else {
            let p = plan(
                w,
                units_of(w, None),
                all_targets.clone(),
                idleness.1,
                warm.as_ref()
                    .map(|(a, b, c)| (a.as_slice(), b.as_slice(), c.as_slice())),
                o,
            )?;
            (p, idleness.1)
        };
        let _ = idle_layers;
        let sol = &planned.solution;
        let bt = &planned.targets[sol.best_response];
        let br = evaluate::replay(
            w,
            &planned.pool,
            &sol.plans,
            &sol.mix,
            Knowledge::BestResponse,
            Some(bt),
            runs,
            seed,
            o.entries_per_hour,
        );
        let rnd = evaluate::replay(
            w,
            &planned.pool,
            &sol.plans,
            &sol.mix,
            Knowledge::Random,
            None,
            runs,
            seed,
            o.entries_per_hour,
        );
        let per_state =
            w.s.states
                .iter()
                .enumerate()
                .map(|(i, st)| {
                    let o: Vec<_> = rnd.iter().filter(|x| x.into == Some(i)).cloned().collect();
                    (st.id.to_string(), Estimate::of(&o))
                })
                .collect();
        out.push(RungResult {
            step: step.name,
            guaranteed_p_intercept: r4(sol.guaranteed),
            upper_bound: r4(sol.upper_bound),
            gap: r4(sol.gap()),
            iterations: sol.iterations,
            solve_s: (sol.elapsed_s * 10.0).round() / 10.0,
            plans_in_mix: sol.mix.iter().filter(|p| **p > 1e-9).count(),
            best_response: describe(w, bt),
            best_response_expected_p_intercept: r4(sol.against[sol.best_response].1),
            best_response_sim: Estimate::of(&br),
            random_sim: Estimate::of(&rnd),
            random_per_state: per_state,
            idleness_guaranteed: planned.baseline_guaranteed.map(r4),
        });
        warm = Some((planned.pool, sol.plans.clone(), sol.mix.clone()));
    }
    Ok(out)
}

fn r4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// Shift a cooperation for the command line's flags.
pub fn coop(shared_feeds: bool, hot_pursuit: bool) -> Cooperation {
    Cooperation {
        shared_feeds,
        hot_pursuit,
    }
}
