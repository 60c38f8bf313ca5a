//! What buys the most (ISACS 05.60 8.6, needs assessment): the joint
//! interception game re-solved with one change at a time — one more unit
//! of each mode per State (based at the State's post that already hosts
//! one of that mode, else its first post), one more post per State where
//! `site` would put it, shifts 4 h longer, the liaison delay halved, shared
//! feeds, hot pursuit — ranked by the gain in the guaranteed value.
//!
//! Each variant is solved afresh with the same options and time limit, so a
//! gain smaller than the solver's own spread between runs (a few points
//! when the gap is wide) is noise; the table gives each variant's gap.

use super::run::{self, Planned};
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
            let home = like.map(|u| u.home_post.clone()).unwrap_or_else(|| first.id.clone());
            let mut v = s.clone();
            v.units.push(Unit {
                id: UnitId::new(format!("{}-NEW-{}", st.id, mode.as_str())),
                state: st.id.clone(),
                mode,
                home_post: home,
                shift_hours: like.map(|u| u.shift_hours).unwrap_or(8.0),
                name: format!("new {} unit", mode.as_str()),
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
    out.push(Variant { name: "every shift 4 h longer".into(), s: v, coop });
    if s.agreements.liaison_delay_min > 0.0 {
        let mut v = s.clone();
        v.agreements.liaison_delay_min /= 2.0;
        out.push(Variant {
            name: format!("liaison delay halved ({:.0} → {:.0} min)", s.agreements.liaison_delay_min, v.agreements.liaison_delay_min),
            s: v,
            coop,
        });
    }
    if !coop.shared_feeds {
        out.push(Variant {
            name: "shared post feeds".into(),
            s: s.clone(),
            coop: Cooperation { shared_feeds: true, ..coop },
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
            coop: Cooperation { hot_pursuit: true, ..coop },
        });
    }
    out
}

/// The scenario with one more post of `state` at `site`'s first choice,
/// with the sensors and height of the State's `like` post.
fn with_sited_post(s: &Scenario, state: &StateId, like: &crate::model::Post) -> Option<Scenario> {
    let so = crate::assess::site::SiteOptions::new(state.clone(), 1);
    let r = crate::assess::site::site(s, &crate::assess::AssessOptions::default(), &so, &[]).ok()?;
    let c = r.chosen.first()?;
    let mut v = s.clone();
    let mut p = like.clone();
    p.id = PostId::new(format!("{state}-NEW-POST"));
    p.name = "new post".into();
    p.xy = c.candidate.xy;
    p.lonlat = geo::Coord { x: c.candidate.lonlat[0], y: c.candidate.lonlat[1] };
    p.extra = Default::default();
    v.posts.push(p);
    Some(v)
}

fn solve(s: &Scenario, coop: Cooperation, o: &GameOptions, seed: u64) -> Result<Planned> {
    let mut w = World::new(s, Vec::new(), 86_400.0, SimOptions { seed, ..SimOptions::default() })?;
    w.o.coop = coop;
    let all = targets::all(&w, o.values);
    run::plan(&w, run::units_of(&w, None), all, &[], None, o)
}

/// The joint game as it is and with each change: (the value as it is, the
/// changes ranked by gain, largest first; ties in scenario order).
pub fn needs(s: &Scenario, coop: Cooperation, o: &GameOptions, seed: u64) -> Result<(Need, Vec<Need>)> {
    let row = |name: String, p: &Planned, base: f64| Need {
        change: name,
        guaranteed_p_intercept: r4(p.solution.guaranteed),
        gain: r4(p.solution.guaranteed - base),
        upper_bound: r4(p.solution.upper_bound),
        gap: r4(p.solution.gap()),
    };
    let b = solve(s, coop, o, seed)?;
    let base = b.solution.guaranteed;
    let now = row("as it is".into(), &b, base);
    let mut rows = Vec::new();
    for v in variants(s, coop) {
        if o.progress.cancelled() {
            return Err(crate::error::Error::Cancelled);
        }
        let p = solve(&v.s, v.coop, o, seed)?;
        rows.push(row(v.name, &p, base));
    }
    rows.sort_by(|a, b| b.gain.total_cmp(&a.gain));
    Ok((now, rows))
}

fn r4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}
