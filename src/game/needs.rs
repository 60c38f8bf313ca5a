//! What buys the most (ISACS 05.60 8.6, needs assessment): the joint
//! interception game re-solved with one change at a time — one more unit
//! of each mode per State (based at the State's post that already hosts
//! one of that mode, else its first post), one more post per State where
//! `site` would put it, shifts 4 h longer, the liaison delay halved, shared
//! feeds, hot pursuit — ranked by the gain in the guaranteed value.
//!
//! Each variant starts from the mix as it is (a new unit standing by at its
//! post) and is solved with the same options and time limit; with a wide
//! gap a small gain may be the solver's spread, so the table gives each
//! variant's bound and gap.

use super::run::{self, Planned};
use super::schedule::{Reach, Schedule};
use super::targets;
use super::GameOptions;
use crate::error::Result;
use crate::ids::{PostId, StateId, UnitId};
use crate::model::{Scenario, Unit, UnitMode};
use crate::sim::{Cooperation, SimOptions, World};
use serde::Serialize;

/// One change and what it buys.
#[derive(Clone, Debug, Serialize)]
pub struct Need {
    pub change: String,
    pub guaranteed_p_intercept: f64,
    pub gain: f64,
    pub upper_bound: f64,
    pub gap: f64,
}

/// A change: its name, the changed scenario and cooperation.
struct Variant {
    name: String,
    s: Scenario,
    coop: Cooperation,
}

fn variants(s: &Scenario, coop: Cooperation) -> Vec<Variant> {
    let mut out = Vec::new();
    for st in &s.states {
        let posts: Vec<&crate::model::Post> = s.posts.iter().filter(|p| p.state == st.id).collect();
        let Some(first) = posts.first() else { continue };
        for mode in [UnitMode::Foot, UnitMode::Vehicle, UnitMode::Boat] {
            let like = s.units.iter().find(|u| u.state == st.id && u.mode == mode);
            // a boat only where the State already has one (a mode its
            // network may not carry otherwise)
            if mode == UnitMode::Boat && like.is_none() {
                continue;
            }
            let home = like
                .map(|u| u.home_post.clone())
                .unwrap_or_else(|| first.id.clone());
            let mut v = s.clone();
            v.units.push(Unit {
                id: UnitId::new(format!("{}-NEW-{}", st.id, mode.as_str())),
                state: st.id.clone(),
                mode,
                home_post: home,
                shift_hours: like.map(|u| u.shift_hours).unwrap_or(8.0),
                name: format!("new {} unit", mode.as_str()),
                releasable: true,
            });
            out.push(Variant {
                name: format!("one more {} unit for {}", mode.as_str(), st.id),
                s: v,
                coop,
            });
        }
        if let Some(v) = with_sited_post(s, &st.id, first) {
            out.push(Variant {
                name: format!("one more post for {} where `site` puts it", st.id),
                s: v,
                coop,
            });
        }
    }
    let mut v = s.clone();
    for u in &mut v.units {
        u.shift_hours = (u.shift_hours + 4.0).min(24.0);
    }
    out.push(Variant {
        name: "every shift 4 h longer".into(),
        s: v,
        coop,
    });
    if s.agreements.liaison_delay_min > 0.0 {
        let mut v = s.clone();
        v.agreements.liaison_delay_min /= 2.0;
        out.push(Variant {
            name: format!(
                "liaison delay halved ({:.0} → {:.0} min)",
                s.agreements.liaison_delay_min, v.agreements.liaison_delay_min
            ),
            s: v,
            coop,
        });
    }
    if !coop.shared_feeds {
        out.push(Variant {
            name: "shared post feeds".into(),
            s: s.clone(),
            coop: Cooperation {
                shared_feeds: true,
                ..coop
            },
        });
    }
    if !(coop.hot_pursuit && s.agreements.hot_pursuit) {
        let mut v = s.clone();
        if !v.agreements.hot_pursuit {
            v.agreements.hot_pursuit = true;
            v.agreements.hot_pursuit_depth_km = v.agreements.hot_pursuit_depth_km.max(5.0);
            v.agreements.hot_pursuit_time_min = v.agreements.hot_pursuit_time_min.max(30.0);
        }
        out.push(Variant {
            name: "hot pursuit".into(),
            s: v,
            coop: Cooperation {
                hot_pursuit: true,
                ..coop
            },
        });
    }
    out
}

/// The scenario with one more post of `state` at `site`'s first choice,
/// with the sensors and height of the State's `like` post.
fn with_sited_post(s: &Scenario, state: &StateId, like: &crate::model::Post) -> Option<Scenario> {
    let so = crate::assess::site::SiteOptions::new(state.clone(), 1);
    let r =
        crate::assess::site::site(s, &crate::assess::AssessOptions::default(), &so, &[]).ok()?;
    let c = r.chosen.first()?;
    let mut v = s.clone();
    let mut p = like.clone();
    p.id = PostId::new(format!("{state}-NEW-POST"));
    p.name = "new post".into();
    p.xy = c.candidate.xy;
    p.lonlat = geo::Coord {
        x: c.candidate.lonlat[0],
        y: c.candidate.lonlat[1],
    };
    p.extra = Default::default();
    v.posts.push(p);
    Some(v)
}

/// Solve the joint game on `s`; `warm`: start from that mix (the units it
/// has keep their schedules; a unit it lacks stands by at its post from
/// 20:00 in every plan), so a change is scored from where the plan stands.
fn solve(
    s: &Scenario,
    coop: Cooperation,
    o: &GameOptions,
    seed: u64,
    warm: Option<&Planned>,
) -> Result<Planned> {
    let mut w = World::new(
        s,
        Vec::new(),
        86_400.0,
        SimOptions {
            seed,
            corridors: o.corridors,
            ..SimOptions::default()
        },
    )?;
    w.o.coop = coop;
    let all = targets::all(&w, o.values);
    let units = run::units_of(&w, None);
    let Some(b) = warm else {
        return run::plan(&w, units, all, &[], None, o);
    };
    // the schedules of the baseline's support, snapped to this world's
    // graphs (the rest of its pool is left behind: the new game generates
    // its own candidates)
    let support: Vec<usize> = (0..b.solution.plans.len())
        .filter(|&p| b.solution.mix[p] > 1e-9)
        .collect();
    let mut index = std::collections::HashMap::new();
    let mut pool: Vec<Schedule> = Vec::new();
    let mut plans: Vec<Vec<usize>> = Vec::new();
    for &p in &support {
        let mut plan = Vec::new();
        for &i in &b.solution.plans[p] {
            let k = *index.entry(i).or_insert_with(|| {
                let sc = &b.pool[i];
                pool.push(Schedule::new(
                    &w,
                    sc.unit,
                    sc.start_s,
                    sc.duty.clone(),
                    sc.layer.clone(),
                ));
                pool.len() - 1
            });
            plan.push(k);
        }
        plans.push(plan);
    }
    let probs: Vec<f64> = support.iter().map(|&p| b.solution.mix[p]).collect();
    for &u in units.iter().filter(|u| !b.units.contains(u)) {
        let reach = Reach::new(&w, u, o.access_m).ok_or_else(|| {
            crate::error::Error::Infeasible(format!(
                "unit {}: its post is off its patrol graph",
                s.units[u].id
            ))
        })?;
        let home = reach
            .standby(&w, reach.home, 20.0 * 3600.0)
            .ok_or_else(|| {
                crate::error::Error::Infeasible(format!(
                    "unit {}: cannot stand by at its post",
                    s.units[u].id
                ))
            })?;
        pool.push(home);
        let k = pool.len() - 1;
        for plan in &mut plans {
            plan.push(k);
        }
    }
    run::plan(
        &w,
        b.units
            .iter()
            .copied()
            .chain(units.iter().copied().filter(|u| !b.units.contains(u)))
            .collect(),
        all,
        &[],
        Some(run::Warm {
            pool: &pool,
            plans: &plans,
            probs: &probs,
        }),
        o,
    )
}

/// The joint game as it is and with each change: (the value as it is, the
/// changes ranked by gain, largest first; ties in scenario order). Each
/// change starts from the plan as it is, so its guarantee is at least that
/// plan's under the change (a change that adds no option shows a gain of
/// about 0). `o` solves the plan as it is; each change then runs
/// `change_rounds` more rounds from it.
pub fn needs(
    s: &Scenario,
    coop: Cooperation,
    o: &GameOptions,
    change_rounds: usize,
    seed: u64,
) -> Result<(Need, Vec<Need>)> {
    let row = |name: String, p: &Planned, base: f64| Need {
        change: name,
        guaranteed_p_intercept: r4(p.solution.guaranteed),
        gain: r4(p.solution.guaranteed - base),
        upper_bound: r4(p.solution.upper_bound),
        gap: r4(p.solution.gap()),
    };
    let b = solve(s, coop, o, seed, None)?;
    let base = b.solution.guaranteed;
    let now = row("as it is".into(), &b, base);
    let mut rows = Vec::new();
    for v in variants(s, coop) {
        if o.progress.cancelled() {
            return Err(crate::error::Error::Cancelled);
        }
        let oc = GameOptions {
            max_iters: change_rounds,
            ..o.clone()
        };
        match solve(&v.s, v.coop, &oc, seed, Some(&b)) {
            Ok(p) => rows.push(row(v.name, &p, base)),
            Err(e) => rows.push(Need {
                change: format!("{} (not solved: {e})", v.name),
                guaranteed_p_intercept: r4(base),
                gain: 0.0,
                upper_bound: 1.0,
                gap: 1.0,
            }),
        }
    }
    rows.sort_by(|a, b| b.gain.total_cmp(&a.gain));
    Ok((now, rows))
}

fn r4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}
