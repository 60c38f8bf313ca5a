//! The defenders' oracle: a joint plan that does well against the
//! smuggler's mix. Candidates per unit are standby schedules at response
//! positions along the journeys the mix weighs most (every
//! `position_spacing_m`, on the unit's patrol graph, reachable from its
//! post within half a shift) and the post itself, at shift starts every
//! `start_step_h`, plus every schedule of the unit found before (the
//! idleness patrols among them). Coordinate ascent: unit by unit, the
//! candidate that raises the mix-weighted P(intercept) most, two sweeps.

use super::targets::{self, crews};
use super::Game;
use rayon::prelude::*;

/// The targets the smuggler's mix weighs: (target index, weight), heaviest
/// first, and the weight left out.
#[derive(Clone, Debug)]
pub struct Focus {
    pub targets: Vec<(usize, f64)>,
    pub rest: f64,
}

/// The `k` heaviest targets of the smuggler's mix `y` over `in_play`.
pub fn focus(in_play: &[usize], y: &[f64], k: usize) -> Focus {
    let mut v: Vec<(usize, f64)> = in_play
        .iter()
        .copied()
        .zip(y.iter().copied())
        .filter(|x| x.1 > 1e-9)
        .collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let rest = v.iter().skip(k).map(|x| x.1).sum();
    v.truncate(k);
    Focus { targets: v, rest }
}

/// Per unit in play: the pool indices of its candidate schedules (new ones
/// are added to the pool), at most `max_positions` response positions per
/// unit, taken from the focus routes in turn.
pub fn candidates(g: &mut Game, f: &Focus, max_positions: usize) -> Vec<Vec<usize>> {
    let w = g.w;
    let step_s = (g.o.start_step_h.max(0.25) * 3600.0).round();
    let starts: Vec<f64> = (0..)
        .map(|i| i as f64 * step_s)
        .take_while(|s| *s < 86_400.0)
        .collect();
    let every = ((g.o.position_spacing_m / w.o.sample_m).round() as usize).max(1);
    // the focus routes, heaviest first, each once
    let mut routes: Vec<usize> = Vec::new();
    for &(t, _) in &f.targets {
        let r = g.targets[t].route;
        if !routes.contains(&r) {
            routes.push(r);
        }
    }
    let mut out = Vec::new();
    for ui in 0..g.units.len() {
        let unit = g.units[ui];
        let mut mine: Vec<usize> = (0..g.pool.len())
            .filter(|&i| g.pool[i].unit == unit)
            .collect();
        let Some(reach) = g.reach(unit) else {
            out.push(mine);
            continue;
        };
        // positions along the routes the unit can reach, a route at a time
        let along: Vec<Vec<petgraph::graph::NodeIndex>> = routes
            .iter()
            .map(|&r| {
                w.routes[r]
                    .samples
                    .iter()
                    .step_by(every)
                    .filter_map(|q| reach.pg.nearest(*q, g.o.access_m))
                    .map(|(n, _)| n)
                    .filter(|&n| reach.can_reach(n))
                    .collect()
            })
            .collect();
        let mut nodes = vec![reach.home];
        let longest = along.iter().map(|a| a.len()).max().unwrap_or(0);
        'fill: for k in 0..longest {
            for a in &along {
                if nodes.len() >= max_positions {
                    break 'fill;
                }
                if let Some(&n) = a.get(k) {
                    if !nodes.contains(&n) {
                        nodes.push(n);
                    }
                }
            }
        }
        // schedules already in the pool are not built again
        let todo: Vec<(petgraph::graph::NodeIndex, f64)> = nodes
            .iter()
            .flat_map(|&n| starts.iter().map(move |&s0| (n, s0)))
            .filter(
                |&(n, s0)| match g.find_standby(unit, s0, reach.pg.g[n].xy) {
                    Some(i) => {
                        if !mine.contains(&i) {
                            mine.push(i);
                        }
                        false
                    }
                    None => true,
                },
            )
            .collect();
        let made: Vec<super::schedule::Schedule> = todo
            .par_iter()
            .filter_map(|&(n, s0)| reach.standby(w, n, s0))
            .collect();
        for s in made {
            let i = g.add_schedule(s);
            if !mine.contains(&i) {
                mine.push(i);
            }
        }
        out.push(mine);
    }
    out
}

/// Whether schedule `s` can matter to a crossing of route `r`: near enough
/// to look, or to reach it within the crossing's duration.
pub fn relevant(g: &Game, s: usize, r: usize) -> bool {
    let w = g.w;
    let sc = &g.pool[s];
    let rt = &w.routes[r];
    let dur = rt.cum_m.last().copied().unwrap_or(0.0) / crate::sim::group_speed_ms(rt.kind);
    let reach_m = (dur * crate::plan::graph::max_speed_ms(sc.layer.mode) + g.o.access_m)
        .max(w.o.patrol_radius_m);
    crate::sim::box_gap(&sc.bbox, &rt.bbox) <= reach_m
}

/// Mix-weighted P(intercept) of each focus target against `plan`.
fn values(g: &Game, f: &Focus, plan: &[usize]) -> Vec<f64> {
    let cr = crews(plan.iter().map(|&i| &g.pool[i]));
    f.targets
        .iter()
        .map(|&(t, _)| targets::payoff(g.w, &cr, &g.targets[t], g.o.entries_per_hour).1)
        .collect()
}

/// The best response found from plan `from` (index into the game's
/// plans): (the plan, its score against the focus mix, leftover weight
/// counted at its current score).
pub fn best_response(g: &Game, f: &Focus, cands: &[Vec<usize>], from: usize) -> (Vec<usize>, f64) {
    let mut plan = g.plans()[from].clone();
    let weight = |t: usize, y: f64| y * g.targets[t].value;
    let mut cur = values(g, f, &plan);
    for _sweep in 0..2 {
        let mut changed = false;
        for ui in 0..plan.len() {
            let old = plan[ui];
            let scored: Vec<(usize, f64)> = cands[ui]
                .par_iter()
                .filter(|&&c| c != old)
                .map(|&c| {
                    let mut p = plan.clone();
                    p[ui] = c;
                    let cr = crews(p.iter().map(|&i| &g.pool[i]));
                    let gain: f64 = f
                        .targets
                        .iter()
                        .enumerate()
                        .map(|(j, &(t, y))| {
                            let r = g.targets[t].route;
                            if !relevant(g, c, r) && !relevant(g, old, r) {
                                return 0.0;
                            }
                            let u =
                                targets::payoff(g.w, &cr, &g.targets[t], g.o.entries_per_hour).1;
                            weight(t, y) * (u - cur[j])
                        })
                        .sum();
                    (c, gain)
                })
                .collect();
            let mut best: Option<(usize, f64)> = None;
            for (c, gain) in scored {
                if gain > 1e-9 && best.is_none_or(|b| gain > b.1 + 1e-12) {
                    best = Some((c, gain));
                }
            }
            if let Some((c, _)) = best {
                plan[ui] = c;
                cur = values(g, f, &plan);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let total: f64 = f
        .targets
        .iter()
        .zip(&cur)
        .map(|(&(t, y), u)| y * targets::score(&g.targets[t], *u))
        .sum::<f64>();
    // the weight outside the focus counted at the highest score, 1
    (plan, total + f.rest)
}
