//! An upper bound on the game's value: the game relaxed, over the targets
//! in play (a subset of the targets can only favour the defenders).
//!
//! Relaxed, a crossing is intercepted at most with the probability that it
//! is detected at all — D ≤ 1 − Π over the posts' looks (1 − p) × Π over
//! the units (1 − their best look's p) — and at most by the summed chance
//! of the units that could catch it: unit i with schedule c counts 1 when
//! it reaches the remaining journey after a post's look, or after a look
//! at any of the journey's points (probed every [`PROBE_EVERY`] samples,
//! as if by its own State, with no liaison delay). The units' choices are
//! relaxed to fractions (an LP over marginals). The bound holds over the
//! candidate schedules considered; with positions probed at a spacing it
//! is a close bound rather than a proof.

use super::oracle::relevant;
use super::targets::entries;
use super::Game;
use crate::error::{Error, Result};
use crate::sim::{Crew, Look, LookBy, Pass};
use good_lp::{constraint, microlp, variable, Expression, Solution, SolverModel, Variable};
use rayon::prelude::*;

/// Journey points probed as detection places, every this many samples.
pub const PROBE_EVERY: usize = 6;

/// Could schedule `c` catch target `t` entered at `t0`?
fn covers(g: &Game, c: usize, t: usize, t0: f64) -> bool {
    let w = g.w;
    let tg = &g.targets[t];
    if !relevant(g, c, tg.route) {
        return false;
    }
    let sc = &g.pool[c];
    let crew = [Crew {
        layer: &sc.layer,
        snap: sc.snap.as_ref(),
        bbox: sc.bbox,
    }];
    let ps = Pass::new(w, tg.route, t0, tg.forward);
    let posts = w.looks(&[], &ps);
    if posts
        .iter()
        .flatten()
        .any(|l| l.p > 0.0 && w.catch(&crew, &ps, l).is_some())
    {
        return true;
    }
    (0..ps.len()).step_by(PROBE_EVERY).any(|k| {
        let probe = Look {
            t: ps.time_at(k),
            k,
            p: 1.0,
            state: sc.layer.state,
            by: LookBy::Unit(0),
        };
        w.catch(&crew, &ps, &probe).is_some()
    })
}

/// The relaxed game's value over the targets `in_play`: max v such that
/// v ≤ 1 − value_t + value_t · mean over entries of z_te for every target,
/// z_te ≤ D_te (the detection cap) and z_te ≤ Σ_i Σ_c m_ic · covers(c, t, e),
/// with each unit's marginals m_i· summing to 1 over `cands` (pool indices
/// per unit in play). Any mixed strategy's marginals are feasible and its
/// expected P(intercept) is below the relaxed one, and more targets only
/// lower the value: this bounds the game's value from above (over the
/// schedules considered). `floor` (a guarantee achieved) is a lower limit.
pub fn relaxed(g: &Game, in_play: &[usize], cands: &[Vec<usize>], floor: f64) -> Result<f64> {
    let w = g.w;
    let per = g.o.entries_per_hour.max(1);
    // (target, entry) rows
    let rows: Vec<(usize, f64)> = in_play
        .iter()
        .flat_map(|&t| entries(g.targets[t].hour, per).map(move |t0| (t, t0)))
        .collect();
    let p_unit = w.o.patrol_p_day.max(w.o.patrol_p_night);
    let cap: Vec<f64> = rows
        .par_iter()
        .map(|&(t, t0)| {
            let tg = &g.targets[t];
            let ps = Pass::new(w, tg.route, t0, tg.forward);
            let miss_posts: f64 = w
                .looks(&[], &ps)
                .iter()
                .flatten()
                .map(|l| 1.0 - l.p)
                .product();
            let near = cands
                .iter()
                .filter(|cs| cs.iter().any(|&c| relevant(g, c, tg.route)))
                .count();
            1.0 - miss_posts * (1.0 - p_unit).powi(near as i32)
        })
        .collect();
    // cover[i][c] = the rows schedule c of unit i covers
    let cover: Vec<Vec<Vec<usize>>> = cands
        .iter()
        .map(|cs| {
            cs.par_iter()
                .map(|&c| {
                    (0..rows.len())
                        .filter(|&r| covers(g, c, rows[r].0, rows[r].1))
                        .collect()
                })
                .collect()
        })
        .collect();
    let mut vars = good_lp::variables!();
    let v = vars.add(variable().min(0.0).max(1.0));
    let m: Vec<Vec<Variable>> = cands
        .iter()
        .map(|cs| {
            cs.iter()
                .map(|_| vars.add(variable().min(0.0).max(1.0)))
                .collect()
        })
        .collect();
    let z: Vec<Variable> = cap
        .iter()
        .map(|c| vars.add(variable().min(0.0).max(c.clamp(0.0, 1.0))))
        .collect();
    let mut lp = vars.maximise(v).using(microlp);
    for mi in &m {
        if !mi.is_empty() {
            let s: Expression = mi.iter().copied().sum();
            lp = lp.with(constraint!(s == 1.0));
        }
    }
    for (r, zv) in z.iter().enumerate() {
        let e: Expression = cover
            .iter()
            .zip(&m)
            .flat_map(|(ci, mi)| {
                ci.iter()
                    .zip(mi)
                    .filter(|(rs, _)| rs.binary_search(&r).is_ok())
                    .map(|(_, v)| *v)
            })
            .sum();
        lp = lp.with(constraint!(*zv <= e));
    }
    for (j, &t) in in_play.iter().enumerate() {
        let val = g.targets[t].value;
        let zs: Expression = z[j * per..(j + 1) * per].iter().copied().sum();
        lp = lp.with(constraint!(v <= (1.0 - val) + (val / per as f64) * zs));
    }
    let sol = lp
        .solve()
        .map_err(|e| Error::Other(format!("interception game: the bound's LP failed: {e}")))?;
    Ok(sol.value(v).max(floor).min(1.0))
}
