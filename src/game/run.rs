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
use crate::sim::{Knowledge, World};
use serde::Serialize;

/// A mix to start from: joint plans over a pool, with probabilities.
#[derive(Clone, Copy)]
pub struct Warm<'a> {
    pub pool: &'a [Schedule],
    pub plans: &'a [Vec<usize>],
    pub probs: &'a [f64],
}

/// One State's independent mix: its units' slots among all units, its
/// plans (pool indices per slot) and their probabilities.
struct Part {
    slots: Vec<usize>,
    plans: Vec<Vec<usize>>,
    probs: Vec<f64>,
}

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
    /// Independent planning: each State's own game (empty when joint).
    pub own_games: Vec<OwnGame>,
}

/// One State's own game in independent planning: its units against the
/// targets entering its side. Its gap is how well that game was solved;
/// the independent plan's bound is the joint game's (any joint mix, the
/// product of the two included, guarantees at most that).
#[derive(Clone, Debug, Serialize)]
pub struct OwnGame {
    pub state: String,
    pub guaranteed: f64,
    pub upper_bound: f64,
    pub gap: f64,
    pub iterations: usize,
    pub solve_s: f64,
    pub stop: &'static str,
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
    warm: Option<Warm>,
    o: &GameOptions,
) -> Result<Planned> {
    let mut g = Game::new(w, units, targets, o.clone())?;
    let mut warm_mix = None;
    if let Some(Warm { pool, plans, probs }) = warm {
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
        own_games: Vec::new(),
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
    /// Independent planning: each State's own game.
    pub own_games: Vec<OwnGame>,
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

/// Joint plans of the independent per-State mixes with their
/// probabilities: their whole product when it has at most
/// [`PRODUCT_PLANS`] plans, else that many drawn from it (equally likely).
fn product(parts: &[Part], n_units: usize, seed: u64) -> (Vec<Vec<usize>>, Vec<f64>) {
    let support: Vec<Vec<usize>> = parts
        .iter()
        .map(|p| (0..p.probs.len()).filter(|&k| p.probs[k] > 1e-9).collect())
        .collect();
    let size = support
        .iter()
        .try_fold(1usize, |n, s| n.checked_mul(s.len()));
    if size.is_some_and(|n| n <= PRODUCT_PLANS) {
        let mut plans = vec![(vec![usize::MAX; n_units], 1.0)];
        for (part, sup) in parts.iter().zip(&support) {
            plans = plans
                .into_iter()
                .flat_map(|(plan, pr)| {
                    sup.iter().map(move |&k| {
                        let mut plan = plan.clone();
                        for (s, &pi) in part.slots.iter().zip(&part.plans[k]) {
                            plan[*s] = pi;
                        }
                        (plan, pr * part.probs[k])
                    })
                })
                .collect();
        }
        return plans.into_iter().unzip();
    }
    let plans = sample(parts, n_units, PRODUCT_PLANS, seed);
    let probs = vec![1.0 / plans.len().max(1) as f64; plans.len()];
    (plans, probs)
}

/// Joint plans in an independent plan's mix at most: the product of the
/// two States' mixes, whole or sampled.
const PRODUCT_PLANS: usize = 256;

/// Sample `m` joint plans from independent per-State mixes.
fn sample(parts: &[Part], n_units: usize, m: usize, seed: u64) -> Vec<Vec<usize>> {
    (0..m as u64)
        .map(|i| {
            let mut rng = fastrand::Rng::with_seed(mix(seed, 0x1D, i));
            let mut plan = vec![usize::MAX; n_units];
            for Part {
                slots,
                plans,
                probs,
            } in parts
            {
                let k = evaluate::draw(probs, rng.f64());
                for (s, &pi) in slots.iter().zip(&plans[k]) {
                    plan[*s] = pi;
                }
            }
            plan
        })
        .collect()
}

/// Independent planning: each State alone against the targets entering
/// its side, with its own units; the two mixes are drawn independently
/// (their product, [`product`]), and that mix is scored on every target
/// with everyone's units. Its rounds and time are the two games'.
pub fn independent(
    w: &World,
    all_targets: &[Target],
    idleness: &[UnitLayer],
    o: &GameOptions,
    seed: u64,
) -> Result<Planned> {
    let mut pool: Vec<Schedule> = Vec::new();
    let mut parts = Vec::new();
    let mut own_games = Vec::new();
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
        let p = plan(w, units.clone(), tg, idleness, None, o)?;
        let sol = &p.solution;
        own_games.push(OwnGame {
            state: w.s.states[st].id.to_string(),
            guaranteed: r4(sol.guaranteed),
            upper_bound: r4(sol.upper_bound),
            gap: r4(sol.gap()),
            iterations: sol.iterations,
            solve_s: sol.elapsed_s,
            stop: sol.stop,
        });
        let off = pool.len();
        pool.extend(p.pool.iter().cloned());
        let slots: Vec<usize> = units
            .iter()
            .map(|u| all_units.iter().position(|x| x == u).unwrap_or(0))
            .collect();
        let plans: Vec<Vec<usize>> = p
            .solution
            .plans
            .iter()
            .map(|pl| pl.iter().map(|i| i + off).collect())
            .collect();
        parts.push(Part {
            slots,
            plans,
            probs: p.solution.mix.clone(),
        });
    }
    // a State without a game (no units, or no target entering its side)
    // leaves its units without a schedule in every joint plan: the plans
    // are then dropped, and the idleness plan stands alone
    let (joint, probs): (Vec<Vec<usize>>, Vec<f64>) = {
        let (plans, probs) = product(&parts, all_units.len(), seed);
        plans
            .into_iter()
            .zip(probs)
            .filter(|(p, _)| p.iter().all(|&i| i != usize::MAX))
            .unzip()
    };
    let mut evo = o.clone();
    evo.max_iters = 0;
    let mut p = plan(
        w,
        all_units,
        all_targets.to_vec(),
        idleness,
        (!joint.is_empty()).then_some(Warm {
            pool: &pool,
            plans: &joint,
            probs: &probs,
        }),
        &evo,
    )?;
    p.solution.iterations = own_games.iter().map(|g| g.iterations).sum();
    p.solution.stop = "each State's own game solved";
    p.solution.elapsed_s += own_games.iter().map(|g| g.solve_s).sum::<f64>();
    for g in &mut own_games {
        g.solve_s = (g.solve_s * 10.0).round() / 10.0;
    }
    p.own_games = own_games;
    Ok(p)
}

/// Plan and replay the ladder: independent (each State alone against the
/// targets entering its side, the two mixes drawn independently), joint,
/// joint with shared feeds, then with hot pursuit too. `idleness` holds
/// the idleness planner's independent and joint plans.
pub fn ladder(
    w: &mut World,
    idleness: (&[UnitLayer], &[UnitLayer]),
    o: &GameOptions,
    runs: usize,
    seed: u64,
) -> Result<Vec<RungResult>> {
    let all_targets = targets::all(w, o.values);
    let mut out = Vec::new();
    let mut warm: Option<Planned> = None;
    for step in crate::sim::ladder::LADDER.iter() {
        w.o.coop = step.coop;
        let planned = if step.plan == crate::plan::PlanMode::Independent {
            independent(w, &all_targets, idleness.0, o, seed)?
        } else {
            plan(
                w,
                units_of(w, None),
                all_targets.clone(),
                idleness.1,
                warm.as_ref().map(|p| Warm {
                    pool: &p.pool,
                    plans: &p.solution.plans,
                    probs: &p.solution.mix,
                }),
                o,
            )?
        };
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
            own_games: planned.own_games.clone(),
        });
        warm = Some(planned);
    }
    // a rung only adds options (shared feeds and hot pursuit only add
    // responders; the independent mix is one of the joint mixes), so a
    // higher rung's bound also bounds every rung below it
    for k in (0..out.len().saturating_sub(1)).rev() {
        if out[k + 1].upper_bound < out[k].upper_bound {
            let (g, ub) = (
                out[k].guaranteed_p_intercept,
                out[k + 1].upper_bound.max(out[k].guaranteed_p_intercept),
            );
            out[k].upper_bound = ub;
            out[k].gap = if ub > 0.0 {
                r4(((ub - g) / ub).max(0.0))
            } else {
                0.0
            };
        }
    }
    Ok(out)
}

fn r4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}
